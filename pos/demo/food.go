package demo

import "github.com/storeedge/storeedge/pos"

// Fresh food: VAT 10% (food staples, Tax Code art. 164 p. 2).

var dairy = dept{
	Category: Category{"dairy", "Молочные продукты", "Dairy"},
	unit:     pos.UnitPiece, vat: 10, count: 36,
	care:  "Хранить при температуре от +2 до +6 °C.",
	specs: []pos.Spec{sp("Условия хранения", "+2…+6 °C")},
	brands: []brand{
		{"Луговое", "Lugovoe", "Россия", 100},
		{"Зорька", "Zorka", "Россия", 90},
		{"Савушкино подворье", "Savushkino Farm", "Беларусь", 105},
		{"Альпийская долина", "Alpine Valley", "Россия", 125},
	},
	items: []item{
		{ru: "Молоко пастеризованное 3,2%", en: "Pasteurised Milk 3.2%", size: "930 ml", price: 8990},
		{ru: "Молоко ультрапастеризованное 2,5%", en: "UHT Milk 2.5%", size: "1 l", price: 9490},
		{ru: "Кефир 2,5%", en: "Kefir 2.5%", size: "900 ml", price: 8490},
		{ru: "Сметана 20%", en: "Sour Cream 20%", size: "300 g", price: 11990},
		{ru: "Творог 5%", en: "Cottage Cheese 5%", size: "400 g", price: 17990},
		{ru: "Йогурт питьевой клубничный", en: "Strawberry Drinking Yoghurt", size: "290 g", price: 6990},
		{ru: "Масло сливочное 82,5%", en: "Butter 82.5%", size: "180 g", price: 21990},
		{ru: "Сыр Российский 50%", en: "Rossiysky Cheese 50%", size: "200 g", price: 24990},
		{ru: "Ряженка 4%", en: "Ryazhenka 4%", size: "500 ml", price: 7990},
		{ru: "Сливки 10%", en: "Cream 10%", size: "200 ml", price: 8990},
		{ru: "Сырок глазированный", en: "Glazed Curd Snack", size: "40 g", price: 4490},
		{ru: "Йогурт греческий", en: "Greek Yoghurt", size: "140 g", price: 7990},
		{ru: "Простокваша 3,2%", en: "Prostokvasha 3.2%", size: "450 g", price: 6490},
	},
}

var bakery = dept{
	Category: Category{"bakery", "Хлеб и выпечка", "Bakery"},
	unit:     pos.UnitPiece, vat: 10, count: 36,
	care:  "Хранить при температуре не выше +25 °C в сухом месте.",
	specs: []pos.Spec{sp("Условия хранения", "не выше +25 °C")},
	brands: []brand{
		{"Хлебница", "Khlebnitsa", "Россия", 100},
		{"Каравай", "Karavai", "Россия", 92},
		{"Утренняя пекарня", "Morning Bakery", "Россия", 118},
	},
	items: []item{
		{ru: "Хлеб Бородинский", en: "Borodinsky Bread", size: "400 g", price: 6990},
		{ru: "Батон нарезной", en: "Sliced White Loaf", size: "400 g", price: 5490},
		{ru: "Хлеб ржано-пшеничный", en: "Rye-Wheat Bread", size: "500 g", price: 6490},
		{ru: "Багет французский", en: "French Baguette", size: "250 g", price: 6990},
		{ru: "Лаваш тонкий", en: "Thin Lavash", size: "300 g", price: 7490},
		{ru: "Круассан с шоколадом", en: "Chocolate Croissant", size: "70 g", price: 7990},
		{ru: "Булочка с маком", en: "Poppy Seed Bun", size: "100 g", price: 4990},
		{ru: "Сушки простые", en: "Plain Sushki", size: "300 g", price: 8990},
		{ru: "Хлебцы цельнозерновые", en: "Wholegrain Crispbread", size: "200 g", price: 10990},
		{ru: "Пирожок с капустой", en: "Cabbage Pie", size: "90 g", price: 4590},
		{ru: "Чиабатта", en: "Ciabatta", size: "300 g", price: 9990},
		{ru: "Хлеб тостовый", en: "Toast Bread", size: "500 g", price: 10990},
	},
}

// produce is weighed: sold by the gram, priced per kg.
var produce = dept{
	Category: Category{"produce", "Овощи и фрукты", "Fruit & Vegetables"},
	unit:     pos.UnitGram, vat: 10, count: 36,
	care:  "Хранить в прохладном месте.",
	specs: []pos.Spec{sp("Продаётся", "на вес")},
	brands: []brand{
		{"Отборные", "Selected", "", 115},
		{"Фермерские", "Farm", "", 100},
	},
	items: []item{
		{ru: "Томаты сливовидные", en: "Plum Tomatoes", price: 24990, country: "Россия"},
		{ru: "Огурцы гладкие", en: "Smooth Cucumbers", price: 17990, country: "Россия"},
		{ru: "Картофель молодой", en: "New Potatoes", price: 8990, country: "Египет"},
		{ru: "Лук репчатый", en: "Yellow Onions", price: 4990, country: "Россия"},
		{ru: "Морковь мытая", en: "Washed Carrots", price: 5990, country: "Россия"},
		{ru: "Капуста белокочанная", en: "White Cabbage", price: 3990, country: "Россия"},
		{ru: "Свёкла", en: "Beetroot", price: 4990, country: "Россия"},
		{ru: "Перец сладкий красный", en: "Red Bell Pepper", price: 39990, country: "Турция"},
		{ru: "Кабачки", en: "Courgettes", price: 14990, country: "Узбекистан"},
		{ru: "Яблоки Гала", en: "Gala Apples", price: 14990, country: "Россия"},
		{ru: "Бананы", en: "Bananas", price: 13990, country: "Эквадор"},
		{ru: "Апельсины", en: "Oranges", price: 15990, country: "Египет"},
		{ru: "Мандарины", en: "Mandarins", price: 22990, country: "Марокко"},
		{ru: "Лимоны", en: "Lemons", price: 21990, country: "Турция"},
		{ru: "Груши Конференция", en: "Conference Pears", price: 24990, country: "Сербия"},
		{ru: "Виноград кишмиш", en: "Seedless Grapes", price: 34990, country: "Узбекистан"},
		{ru: "Киви", en: "Kiwi", price: 29990, country: "Иран"},
		{ru: "Чеснок", en: "Garlic", price: 39990, country: "Китай"},
	},
}

// meat is weighed: sold by the gram, priced per kg.
var meat = dept{
	Category: Category{"meat", "Мясо и птица", "Meat & Poultry"},
	unit:     pos.UnitGram, vat: 10, count: 36,
	care:  "Хранить при температуре от 0 до +4 °C.",
	specs: []pos.Spec{sp("Продаётся", "на вес"), sp("Условия хранения", "0…+4 °C")},
	brands: []brand{
		{"Сельское подворье", "Village Yard", "Россия", 100},
		{"Мясной двор", "Meat Yard", "Россия", 110},
		{"Степное", "Stepnoye", "Казахстан", 95},
	},
	items: []item{
		{ru: "Филе куриной грудки охлаждённое", en: "Chilled Chicken Breast Fillet", price: 44990},
		{ru: "Бедро куриное", en: "Chicken Thighs", price: 29990},
		{ru: "Крылья куриные", en: "Chicken Wings", price: 27990},
		{ru: "Голень куриная", en: "Chicken Drumsticks", price: 28990},
		{ru: "Фарш говяжий", en: "Minced Beef", price: 59990},
		{ru: "Говядина, вырезка", en: "Beef Tenderloin", price: 149990},
		{ru: "Свиная шея", en: "Pork Neck", price: 54990},
		{ru: "Свиные рёбра", en: "Pork Ribs", price: 42990},
		{ru: "Фарш домашний", en: "Pork & Beef Mince", price: 47990},
		{ru: "Филе индейки", en: "Turkey Fillet", price: 64990},
		{ru: "Баранина, лопатка", en: "Lamb Shoulder", price: 89990},
		{ru: "Печень куриная", en: "Chicken Liver", price: 21990},
	},
}
