package demo

import "github.com/storeedge/storeedge/pos"

// Packaged food and drinks. Soft drinks, coffee, tea and sweets take the
// standard 22% VAT; groceries that are staples take 10%.

var drinks = dept{
	Category: Category{"drinks", "Напитки", "Drinks"},
	unit:     pos.UnitPiece, vat: 22, count: 36,
	care: "После вскрытия хранить в холодильнике.",
	brands: []brand{
		{"Горный ключ", "Mountain Spring", "Россия", 100},
		{"Солнечный сад", "Sunny Garden", "Россия", 108},
		{"Байкальская", "Baikalskaya", "Россия", 95},
		{"Фруктовый край", "Fruit Land", "Беларусь", 112},
	},
	items: []item{
		{ru: "Вода питьевая негазированная", en: "Still Drinking Water", size: "1.5 l", price: 5990},
		{ru: "Вода минеральная газированная", en: "Sparkling Mineral Water", size: "0.5 l", price: 6990},
		{ru: "Сок яблочный", en: "Apple Juice", size: "1 l", price: 14990},
		{ru: "Сок апельсиновый", en: "Orange Juice", size: "1 l", price: 17990},
		{ru: "Нектар вишнёвый", en: "Cherry Nectar", size: "0.95 l", price: 12990},
		{ru: "Морс клюквенный", en: "Cranberry Mors", size: "1 l", price: 13990},
		{ru: "Лимонад тархун", en: "Tarragon Lemonade", size: "0.5 l", price: 8990},
		{ru: "Квас хлебный", en: "Bread Kvass", size: "1.5 l", price: 11990},
		{ru: "Холодный чай с лимоном", en: "Lemon Iced Tea", size: "1 l", price: 9990},
		{ru: "Кола", en: "Cola", size: "1.5 l", price: 13990},
		{ru: "Энергетический напиток", en: "Energy Drink", size: "0.45 l", price: 11990},
		{ru: "Компот из сухофруктов", en: "Dried Fruit Compote", size: "1 l", price: 10990},
	},
}

var grocery = dept{
	Category: Category{"grocery", "Бакалея", "Grocery"},
	unit:     pos.UnitPiece, vat: 10, count: 36,
	care: "Хранить в сухом месте при температуре не выше +25 °C.",
	brands: []brand{
		{"Кладовая", "Pantry", "Россия", 100},
		{"Русское поле", "Russian Field", "Россия", 90},
		{"Золотая нива", "Golden Niva", "Россия", 110},
		{"Южный берег", "South Coast", "Россия", 120},
	},
	items: []item{
		{ru: "Крупа гречневая ядрица", en: "Buckwheat Groats", size: "900 g", price: 10990},
		{ru: "Рис круглозёрный", en: "Round-Grain Rice", size: "900 g", price: 11990},
		{ru: "Макароны спагетти", en: "Spaghetti", size: "450 g", price: 8990},
		{ru: "Мука пшеничная высший сорт", en: "Premium Wheat Flour", size: "2 kg", price: 12990},
		{ru: "Сахар-песок", en: "Granulated Sugar", size: "1 kg", price: 8990},
		{ru: "Соль поваренная", en: "Table Salt", size: "1 kg", price: 2990},
		{ru: "Масло подсолнечное рафинированное", en: "Refined Sunflower Oil", size: "1 l", price: 15990},
		{ru: "Хлопья овсяные", en: "Rolled Oats", size: "500 g", price: 7990},
		{ru: "Чай чёрный листовой", en: "Black Leaf Tea", size: "100 g", price: 19990, vat: 22},
		{ru: "Кофе молотый", en: "Ground Coffee", size: "250 g", price: 49990, vat: 22},
		{ru: "Горошек зелёный", en: "Canned Green Peas", size: "400 g", price: 9990},
		{ru: "Говядина тушёная", en: "Canned Stewed Beef", size: "325 g", price: 24990},
		{ru: "Мёд цветочный", en: "Wildflower Honey", size: "250 g", price: 34990},
	},
}

var sweets = dept{
	Category: Category{"sweets", "Сладости", "Sweets"},
	unit:     pos.UnitPiece, vat: 22, count: 36,
	care: "Хранить при температуре от +15 до +21 °C.",
	brands: []brand{
		{"Сластёна", "Slastyona", "Россия", 100},
		{"Север", "Sever", "Россия", 115},
		{"Лакомка", "Lakomka", "Беларусь", 92},
	},
	items: []item{
		{ru: "Шоколад молочный", en: "Milk Chocolate", size: "90 g", price: 11990},
		{ru: "Шоколад горький 70%", en: "Dark Chocolate 70%", size: "90 g", price: 13990},
		{ru: "Конфеты шоколадные ассорти", en: "Assorted Chocolates", size: "200 g", price: 34990},
		{ru: "Печенье овсяное", en: "Oat Cookies", size: "300 g", price: 10990},
		{ru: "Вафли с орехами", en: "Hazelnut Wafers", size: "200 g", price: 8990},
		{ru: "Зефир ванильный", en: "Vanilla Zefir", size: "250 g", price: 14990},
		{ru: "Мармелад фруктовый", en: "Fruit Jellies", size: "300 g", price: 12990},
		{ru: "Пряники медовые", en: "Honey Pryaniki", size: "350 g", price: 9990},
		{ru: "Карамель леденцовая", en: "Hard Candies", size: "250 g", price: 7990},
		{ru: "Халва подсолнечная", en: "Sunflower Halva", size: "350 g", price: 12990},
		{ru: "Пастила яблочная", en: "Apple Pastila", size: "200 g", price: 15990},
		{ru: "Батончик шоколадный", en: "Chocolate Bar", size: "50 g", price: 5990},
	},
}
