package demo

import "github.com/storeedge/storeedge/pos"

// Non-food goods: VAT 22%, except children's goods at 10% (Tax Code
// art. 164 p. 2).

var household = dept{
	Category: Category{"household", "Бытовая химия", "Household"},
	unit:     pos.UnitPiece, vat: 22, count: 36,
	care: "Хранить в недоступном для детей месте.",
	brands: []brand{
		{"Чистый дом", "Clean Home", "Россия", 100},
		{"Свежесть", "Svezhest", "Россия", 88},
		{"Аквабриз", "Aquabreeze", "Турция", 125},
	},
	items: []item{
		{ru: "Средство для мытья посуды", en: "Dishwashing Liquid", size: "500 ml", price: 12990},
		{ru: "Стиральный порошок", en: "Laundry Powder", size: "3 kg", price: 59990},
		{ru: "Гель для стирки", en: "Laundry Gel", size: "1.5 l", price: 49990},
		{ru: "Кондиционер для белья", en: "Fabric Softener", size: "1 l", price: 29990},
		{ru: "Средство для ванной", en: "Bathroom Cleaner", size: "750 ml", price: 21990},
		{ru: "Средство для стёкол", en: "Glass Cleaner", size: "500 ml", price: 17990},
		{ru: "Туалетная бумага трёхслойная", en: "3-Ply Toilet Paper", size: "8 pcs", price: 32990},
		{ru: "Бумажные полотенца", en: "Paper Towels", size: "2 pcs", price: 14990},
		{ru: "Губки для посуды", en: "Dish Sponges", size: "5 pcs", price: 8990},
		{ru: "Мешки для мусора 60 л", en: "Bin Bags 60 l", size: "20 pcs", price: 13990},
		{ru: "Мыло жидкое", en: "Liquid Hand Soap", size: "500 ml", price: 11990},
		{ru: "Таблетки для посудомоечной машины", en: "Dishwasher Tablets", size: "30 pcs", price: 69990},
	},
}

var electronics = dept{
	Category: Category{"electronics", "Электроника и аксессуары", "Electronics Accessories"},
	unit:     pos.UnitPiece, vat: 22, count: 36,
	care:  "Гарантия 12 месяцев со дня продажи.",
	specs: []pos.Spec{sp("Гарантия", "12 мес.")},
	brands: []brand{
		{"Вольта", "Volta", "Китай", 100},
		{"ТехноЛайн", "TechnoLine", "Китай", 115},
		{"Искра", "Iskra", "Россия", 130},
	},
	items: []item{
		{ru: "Кабель USB-C — USB-C, 1 м", en: "USB-C to USB-C Cable, 1 m", price: 49990, specs: []pos.Spec{sp("Длина", "1 м"), sp("Разъёмы", "USB-C / USB-C")}},
		{ru: "Кабель USB-A — Lightning, 1 м", en: "USB-A to Lightning Cable, 1 m", price: 59990, specs: []pos.Spec{sp("Длина", "1 м"), sp("Разъёмы", "USB-A / Lightning")}},
		{ru: "Сетевое зарядное устройство 20 Вт", en: "20 W Wall Charger", price: 119990, specs: []pos.Spec{sp("Мощность", "20 Вт"), sp("Разъём", "USB-C")}},
		{ru: "Автомобильное зарядное устройство", en: "Car Charger", price: 79990, specs: []pos.Spec{sp("Мощность", "18 Вт"), sp("Разъёмы", "2 × USB-A")}},
		{ru: "Внешний аккумулятор 10000 мА·ч", en: "Power Bank 10000 mAh", price: 199990, specs: []pos.Spec{sp("Ёмкость", "10000 мА·ч")}},
		{ru: "Наушники проводные", en: "Wired Earphones", price: 69990, specs: []pos.Spec{sp("Разъём", "3,5 мм")}},
		{ru: "Наушники беспроводные", en: "Wireless Earbuds", price: 299990, specs: []pos.Spec{sp("Bluetooth", "5.3"), sp("Время работы", "6 ч")}},
		{ru: "Батарейки AA, 4 шт.", en: "AA Batteries, 4-Pack", price: 29990, specs: []pos.Spec{sp("Типоразмер", "AA (LR6)")}},
		{ru: "Батарейки AAA, 4 шт.", en: "AAA Batteries, 4-Pack", price: 29990, specs: []pos.Spec{sp("Типоразмер", "AAA (LR03)")}},
		{ru: "Карта памяти microSD 64 ГБ", en: "microSD Card 64 GB", price: 89990, specs: []pos.Spec{sp("Объём памяти", "64 ГБ")}},
		{ru: "Флешка USB 32 ГБ", en: "USB Flash Drive 32 GB", price: 69990, specs: []pos.Spec{sp("Объём памяти", "32 ГБ")}},
		{ru: "Защитное стекло для смартфона", en: "Smartphone Screen Protector", price: 49990, specs: []pos.Spec{sp("Диагональ", "6,1\"")}},
		{ru: "Удлинитель на 3 розетки, 3 м", en: "3-Socket Extension Lead, 3 m", price: 79990, specs: []pos.Spec{sp("Длина", "3 м")}},
	},
}

// toys are children's goods: VAT 10%.
var toys = dept{
	Category: Category{"toys", "Игрушки", "Toys"},
	unit:     pos.UnitPiece, vat: 10, count: 36,
	care: "Соответствует ТР ТС 008/2011 «О безопасности игрушек».",
	brands: []brand{
		{"Весёлые игрушки", "Happy Toys", "Китай", 100},
		{"Ладушки", "Ladushki", "Россия", 110},
		{"Юный гений", "Young Genius", "Китай", 125},
	},
	items: []item{
		{ru: "Конструктор, 120 деталей", en: "Building Set, 120 Pieces", price: 149990, specs: []pos.Spec{sp("Возраст", "6+"), sp("Материал", "пластик")}},
		{ru: "Мягкая игрушка «Медведь», 30 см", en: "Teddy Bear, 30 cm", price: 99990, specs: []pos.Spec{sp("Возраст", "3+"), sp("Материал", "плюш")}},
		{ru: "Кукла, 30 см", en: "Doll, 30 cm", price: 129990, specs: []pos.Spec{sp("Возраст", "3+")}},
		{ru: "Машинка металлическая", en: "Die-Cast Toy Car", price: 39990, specs: []pos.Spec{sp("Возраст", "3+"), sp("Материал", "металл")}},
		{ru: "Пазл, 500 элементов", en: "Jigsaw Puzzle, 500 Pieces", price: 59990, specs: []pos.Spec{sp("Возраст", "8+")}},
		{ru: "Мяч резиновый, 22 см", en: "Rubber Ball, 22 cm", price: 29990, specs: []pos.Spec{sp("Возраст", "3+")}},
		{ru: "Пластилин, 12 цветов", en: "Modelling Clay, 12 Colours", price: 24990, specs: []pos.Spec{sp("Возраст", "3+")}},
		{ru: "Настольная игра «Лото»", en: "Lotto Board Game", price: 49990, specs: []pos.Spec{sp("Возраст", "5+"), sp("Игроков", "2–6")}},
		{ru: "Мыльные пузыри", en: "Soap Bubbles", price: 12990, specs: []pos.Spec{sp("Возраст", "3+")}},
		{ru: "Кубики деревянные", en: "Wooden Blocks", price: 69990, specs: []pos.Spec{sp("Возраст", "3+"), sp("Материал", "дерево")}},
		{ru: "Фломастеры, 18 цветов", en: "Felt-Tip Pens, 18 Colours", price: 27990, specs: []pos.Spec{sp("Возраст", "3+")}},
		{ru: "Машина на радиоуправлении", en: "Remote Control Car", price: 249990, specs: []pos.Spec{sp("Возраст", "6+"), sp("Питание", "4 × AA")}},
	},
}
